from chang_shan.cli import main

raise SystemExit(main())
