from django.urls import path

from firsthand.team.views import account, auth, invites, members, setup, workspaces

app_name = "team"

urlpatterns = [
    path("signin/", auth.sign_in, name="login"),
    path("signout/", auth.sign_out, name="logout"),
    path("password/reset/", auth.PasswordReset.as_view(), name="password_reset"),
    path("password/reset/sent/", auth.PasswordResetDone.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth.PasswordResetConfirm.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", auth.PasswordResetComplete.as_view(), name="password_reset_complete"),
    path("setup/<str:token>/", setup.first_run, name="setup"),
    path("invite/<str:token>/", invites.accept, name="invite"),
    path("account/", account.account, name="account"),
    path("account/devices/<id:device_id>/signout/", account.end_device, name="end_device"),
    path("account/signout-everywhere/", account.sign_out_everywhere, name="sign_out_everywhere"),
    path("w/", workspaces.choose, name="workspaces"),
    path("w/new/", workspaces.create, name="create_workspace"),
    path("w/<slug:slug>/team/", members.team, name="team"),
    path("w/<slug:slug>/team/invite/", members.invite, name="invite_create"),
    path("w/<slug:slug>/team/invites/<id:invite_id>/<str:action>/", members.invite_action, name="invite_action"),
    path("w/<slug:slug>/team/members/<id:member_id>/role/", members.change_role, name="change_role"),
    path("w/<slug:slug>/team/members/<id:member_id>/accounts/", members.limit_accounts, name="limit_accounts"),
    path("w/<slug:slug>/team/members/<id:member_id>/remove/", members.remove, name="remove_member"),
    path("w/<slug:slug>/team/members/<id:member_id>/unlock/", members.unlock, name="unlock_member"),
    path("w/<slug:slug>/team/members/<id:member_id>/signout/", members.sign_out, name="sign_out_member"),
    path("w/<slug:slug>/settings/", workspaces.settings_page, name="settings"),
    path("w/<slug:slug>/settings/audit.csv", workspaces.audit_export, name="audit_export"),
]
