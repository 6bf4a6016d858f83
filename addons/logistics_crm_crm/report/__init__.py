from . import cross_sell_report
