"""长山 (chang-shan): ledgers for a residents' community office."""

__version__ = "0.1.0"
APP_NAME = "chang-shan"
APP_TITLE = "长山社区台账"
