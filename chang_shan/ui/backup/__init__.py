"""文件 → 备份到U盘… / 检查备份文件… / 从备份恢复…: the dialogs over ``chang_shan.backup``."""
