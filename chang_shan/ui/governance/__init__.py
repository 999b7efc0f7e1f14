"""议事调解与物业: the tabs of the governance screen (四步议事, 人民调解, 物业费, 诚信借款, “八零”指标)
and their dialogs. The screen itself is ``chang_shan.ui.screens.governance``."""
