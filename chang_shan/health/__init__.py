"""居民健康库: health profiles (个人基本信息表), self-care assessments, follow-up visits, due dates
and statistics. Everything here needs ``Perm.HEALTH`` (reading) and also ``Perm.EDIT`` (writing),
and a 网格员 reaches only the residents of their grids."""
