"""Pages of the straw-to-meat subsidy, under /subsidy/."""

app_name = "subsidy"

urlpatterns: list = []
