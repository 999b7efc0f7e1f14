"""The tabs and dialogs of the 党建与志愿者 screen (``ui/screens/party.py``): 党组织, 党员, 主题党日
(``party_tabs``), 志愿服务队, 志愿者, 服务记录 (``volunteer_tabs``), 积分兑换 (``counter``), 年度排行
(``ranking``); the list pieces they share in ``base``, their dialogs in ``party_dialogs`` and
``volunteer_dialogs``. The services are ``chang_shan.party`` and ``chang_shan.volunteers``."""
