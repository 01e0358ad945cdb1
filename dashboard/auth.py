"""Who is looking: the signed-in user (Streamlit's st.login / st.user) or the local operator.

`require_viewer` runs before every page: with sign-in configured, a visitor who has
not signed in sees only the sign-in button; a signed-in user whose claims carry no
role of ours is told so and sees nothing else. The viewer is kept in the session for
the page's reads (`viewer()`, `scope()`), which pass its scope to the read models.

`st.user` comes from a cookie Streamlit signs with the configured cookie secret, so
its claims are the identity provider's, not the browser's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from dashboard.source import source
from projections.access import Scope, Viewer

_KEY = "casejourney-viewer"
_LOGGED = "casejourney-logged"


def _claims() -> Mapping[str, Any]:
    return st.user.to_dict()


def require_viewer() -> Viewer:
    """The viewer of this run; stops the page (showing why) when there is none."""
    handed = source()
    if not handed.signs_in:
        found = handed.access.local_viewer(handed.local_user)
    elif not st.user.is_logged_in:
        st.session_state.pop(_KEY, None)
        st.title("casejourney")
        st.write("This dashboard holds children's records: sign in to continue.")
        st.button("Sign in", type="primary", on_click=st.login, key="sign-in")
        st.stop()
    else:
        claims = _claims()
        viewer_or_none = handed.access.viewer(claims)
        if viewer_or_none is None or not viewer_or_none.roles:
            st.title("casejourney")
            st.error("Your account has no casejourney role. Ask an administrator.")
            st.button("Sign out", on_click=st.logout, key="sign-out")
            st.stop()
        found = viewer_or_none
    st.session_state[_KEY] = found
    return found


def viewer() -> Viewer:
    found = st.session_state.get(_KEY)
    if not isinstance(found, Viewer):
        raise RuntimeError("no viewer: pages run through dashboard.app.run")
    return found


def scope() -> Scope:
    return viewer().scope


def identity_panel(found: Viewer) -> None:
    """The sidebar's 'who am I': the user and role, and sign out; or local, no sign-in."""
    if not found.signed_in:
        st.caption(f"Local, no sign-in (as {found.user_id}).")
        return
    st.caption(f"Signed in as {found.user_id} ({found.role.replace('_', ' ')}).")
    st.button("Sign out", on_click=st.logout, key="sign-out")


def log_once(
    page: str,
    action: str,
    *,
    family_id: str | None = None,
    list_name: str | None = None,
    outcome: str = "allowed",
) -> None:
    """Append an access record for what this view shows, once per view: a rerun of the
    same view (a widget moved, a table scrolled) adds nothing, a new family or list does."""
    key = (page, action, family_id, list_name, outcome)
    if st.session_state.get(_LOGGED) == key:
        return
    source().log_access(
        viewer(), page, action, family_id=family_id, list_name=list_name, outcome=outcome
    )
    st.session_state[_LOGGED] = key
