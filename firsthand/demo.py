"""Demo data for `firsthand serve --demo`: a bakery with a small team to sign in as.

Later capabilities add their own demo content here (accounts on the
sandbox network, posts, conversations).
"""

import secrets

from django.db import transaction

from firsthand.conf import kept_secret
from firsthand.team.models import Membership, User, Workspace
from firsthand.team.operations import create_invite, create_owner
from firsthand.team.permissions import Role

DEMO_WORKSPACE = "Harbour Bakery (demo)"
DEMO_PEOPLE = [
    # email, name, role
    ("owner@demo.firsthand.example", "Olivia Baker", Role.OWNER),
    ("manager@demo.firsthand.example", "Marco Rossi", Role.MANAGER),
    ("staff@demo.firsthand.example", "Sam Rivera", Role.STAFF),
    ("viewer@demo.firsthand.example", "Vera Lind", Role.VIEWER),
]


class DemoRefused(Exception):
    pass


def real_data_exists() -> bool:
    demo_emails = [email for email, _, _ in DEMO_PEOPLE]
    return Workspace.objects.filter(is_demo=False).exists() or User.objects.exclude(email__in=demo_emails).exists()


def demo_password() -> str:
    from django.conf import settings

    # Kept in the data dir so that every restart prints the same password.
    return kept_secret(settings.DATA_DIR, "demo_password", lambda: "demo-" + secrets.token_urlsafe(9))


def ensure_demo(force: bool = False) -> list[str]:
    """Create the demo once; return the lines to print about signing in."""
    workspace = Workspace.objects.filter(is_demo=True).first()
    if workspace is None:
        if real_data_exists() and not force:
            raise DemoRefused(
                "this database holds real workspaces or people; --demo will not mix demo data into it. "
                "Use another --data-dir, or add --force if you really want the demo here."
            )
        workspace = create_demo(demo_password())
    lines = ["", f"firsthand: demo workspace “{workspace.name}”. Sign in as any of these (password {demo_password()}):"]
    for email, name, role in DEMO_PEOPLE:
        lines.append(f"    {role.label:<8} {name:<14} {email}")
    lines.append("")
    return lines


@transaction.atomic
def create_demo(password: str) -> Workspace:
    email, name, _ = DEMO_PEOPLE[0]
    owner = User.objects.filter(email=email).first()
    if owner is None:
        owner_membership = create_owner(
            name=name, email=email, password=password, workspace_name=DEMO_WORKSPACE, is_demo=True
        )
    else:
        from firsthand.team.operations import create_workspace

        owner_membership = create_workspace(owner, DEMO_WORKSPACE, is_demo=True)
    workspace = owner_membership.workspace
    workspace.timezone = "Europe/London"
    workspace.save(update_fields=["timezone"])
    for email, name, role in DEMO_PEOPLE[1:]:
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=password, name=name
        )
        Membership.objects.create(user=user, workspace=workspace, role=role)
    create_invite(owner_membership, role=Role.STAFF, email="new.baker@demo.firsthand.example")
    return workspace
