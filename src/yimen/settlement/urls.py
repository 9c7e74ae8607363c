"""Pages of settlement: filing at the counter and online, institutions, indicators."""

from django.urls import URLPattern, URLResolver, path

from yimen.db_router import replica_reads

from . import views_filing, views_hospital, views_indicators

app_name = "settlement"
urlpatterns: list[URLPattern | URLResolver] = [
    path("filings/", views_filing.counter, name="filings"),
    path("filings/person/<int:person_id>/", views_filing.counter_file, name="counter_file"),
    path("filings/<str:serial>/change/", views_filing.change, {"channel": "counter"},
         name="counter_change"),
    path("filings/<str:serial>/cancel/", views_filing.cancel, {"channel": "counter"},
         name="counter_cancel"),
    path("my/filings/", views_filing.mine, name="my_filings"),
    path("my/filings/<str:serial>/change/", views_filing.change, {"channel": "online"},
         name="my_change"),
    path("my/filings/<str:serial>/cancel/", views_filing.cancel, {"channel": "online"},
         name="my_cancel"),
    path("institutions/", views_indicators.institutions, name="institutions"),
    path("hospital/", views_hospital.hospital, name="hospital"),
    path("indicators/", replica_reads(views_indicators.page), name="indicators"),
    path("indicators.xlsx", replica_reads(views_indicators.export), name="indicators_xlsx"),
]  # fmt: skip
