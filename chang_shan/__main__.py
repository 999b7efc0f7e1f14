import multiprocessing

from chang_shan.cli import main

if __name__ == "__main__":
    # The badge job encodes QR codes in helper processes ("spawn"); a frozen program must let
    # such a child run its task instead of opening another window.
    multiprocessing.freeze_support()
    raise SystemExit(main())
