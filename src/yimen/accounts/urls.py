from django.urls import path

from . import views, views_manage

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    # managing users and roles in the administrator's area (issue 14)
    path("manage/", views_manage.users, name="manage_users"),
    path("manage/new/", views_manage.user_new, name="manage_user_new"),
    path("manage/<int:user_id>/", views_manage.user_page, name="manage_user"),
    path("manage/<int:user_id>/edit/", views_manage.user_edit, name="manage_user_edit"),
    path("manage/<int:user_id>/password/", views_manage.user_password, name="manage_password"),
    path("manage/<int:user_id>/roles/", views_manage.binding_grant, name="manage_grant"),
    path(
        "manage/<int:user_id>/roles/<int:binding_id>/revoke/",
        views_manage.binding_revoke,
        name="manage_revoke",
    ),
    path("password/", views.password_change_view, name="password_change"),
    path("users/<str:username>/password/", views.password_reset_view, name="password_reset"),
]
