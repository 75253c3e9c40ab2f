"""The page an invitation's link opens: "Set your password", for someone new to the service.

allauth's page for a password reset link, at the invitation's own address: the same key (one
use, settings.PASSWORD_RESET_TIMEOUT), the same password rules, and the person is signed in
once their password is saved (through two-factor set-up for the LA's accounts). Only the words
differ; a link that has expired or been used says who sends it again.
"""

from __future__ import annotations

from typing import Any

from allauth.account.views import PasswordResetFromKeyView
from django.urls import reverse

from keystage.web.accounts import invitations
from keystage.web.models import User


class InvitationView(PasswordResetFromKeyView):
    template_name = "account/invitation_from_key.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["action_url"] = reverse(
            "account_invitation",
            kwargs={"uidb36": self.kwargs["uidb36"], "key": self.kwargs["key"]},
        )
        person = getattr(self, "reset_user", None)
        if isinstance(person, User):
            context["sign_in_name"] = invitations.sign_in_name(person)
        return context


invitation = InvitationView.as_view()
