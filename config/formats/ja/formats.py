"""Japanese date formats as the blog prints them: 2021年 12月 23日."""

DATE_FORMAT = "Y年 n月 j日"
DATETIME_FORMAT = "Y年 n月 j日 G:i"
SHORT_DATE_FORMAT = "Y/m/d"
SHORT_DATETIME_FORMAT = "Y/m/d G:i"
MONTH_DAY_FORMAT = "n月 j日"
YEAR_MONTH_FORMAT = "Y年 n月"
TIME_FORMAT = "G:i"
