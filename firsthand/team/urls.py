from django.urls import path

from firsthand.team.views import account, auth, invites, members, setup, twofactor, workspaces

app_name = "team"

urlpatterns = [
    path("signin/", auth.sign_in, name="login"),
    path("signin/two-factor/", twofactor.sign_in_second_step, name="two_factor"),
    path("signin/passkey/options/", twofactor.passkey_sign_in_options, name="passkey_sign_in_options"),
    path("signin/passkey/", twofactor.passkey_sign_in, name="passkey_sign_in"),
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
    path("account/two-factor/app/start/", twofactor.start_app, name="two_factor_app_start"),
    path("account/two-factor/app/confirm/", twofactor.confirm_app, name="two_factor_app_confirm"),
    path("account/two-factor/app/cancel/", twofactor.cancel_app, name="two_factor_app_cancel"),
    path("account/two-factor/recovery-codes/", twofactor.regenerate_codes, name="two_factor_recovery_codes"),
    path("account/two-factor/off/", twofactor.turn_off, name="two_factor_off"),
    path("account/passkeys/options/", twofactor.passkey_options, name="passkey_options"),
    path("account/passkeys/add/", twofactor.passkey_add, name="passkey_add"),
    path("account/passkeys/<id:passkey_id>/remove/", twofactor.passkey_remove, name="passkey_remove"),
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
    path("w/<slug:slug>/settings/two-factor/", workspaces.two_factor_policy, name="two_factor_policy"),
    path("w/<slug:slug>/settings/audit.csv", workspaces.audit_export, name="audit_export"),
]
