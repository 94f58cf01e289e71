"""What the navigation of every page needs to know about the user."""

from __future__ import annotations

from django.http import HttpRequest

from review import selectors


def navigation(request: HttpRequest) -> dict[str, bool]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can_upload": False}
    roles = selectors.roles_for_user(user=user).values()
    return {"can_upload": any(selectors.role_allows(r, selectors.Role.MANAGER) for r in roles)}
