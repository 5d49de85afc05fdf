"""Application credentials of the built-in identity service, as Keystone's:
a user makes one with a project-scoped token; it carries that project and
some of the user's roles there (all of them by default), and whoever holds
its id (or name and user) and secret gets a token for exactly that.

The secret is shown once, at creation, and kept as a hash. Deleting the
credential, its expiry, or its user losing one of its roles there ends it
and every token issued with it (checked when a token is validated, see
tokens.Revocations).
"""
import datetime
import secrets

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import api_models
from stratus.identity import exception as identity_exception
from stratus.identity import passwords
from stratus.identity import store as identity_store

Credential = api_models.IdentityApplicationCredential


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def new_secret():
    return secrets.token_urlsafe(48)


def is_expired(credential, at=None):
    return (credential.expires_at is not None
            and credential.expires_at <= (at or _now()))


class AppCredentialStore:
    def __init__(self, databases):
        self.db = databases.api

    def create(self, user_id, project_id, name, secret, role_ids,
               description=None, expires_at=None, unrestricted=False):
        credential = Credential(
            id=identity_store.new_id(), user_id=user_id,
            project_id=project_id, name=name, description=description,
            secret_hash=passwords.hash_password(secret),
            expires_at=expires_at, unrestricted=unrestricted,
            role_ids=list(role_ids))
        try:
            with self.db.writer() as session:
                session.add(credential)
        except sa_exc.IntegrityError:
            raise identity_exception.DuplicateEntry(
                kind="application_credential", name=name)
        return credential

    def get(self, user_id, credential_id):
        with self.db.reader() as session:
            credential = session.get(Credential, credential_id)
            if credential is not None:
                session.expunge(credential)
        if credential is None or (user_id is not None
                                  and credential.user_id != user_id):
            raise identity_exception.AppCredentialNotFound(
                credential_id=credential_id)
        return credential

    def find(self, user_id, name):
        with self.db.reader() as session:
            credential = session.scalar(sa.select(Credential).where(
                Credential.user_id == user_id, Credential.name == name))
            if credential is not None:
                session.expunge(credential)
        if credential is None:
            raise identity_exception.AppCredentialNotFound(
                credential_id=name)
        return credential

    def list(self, user_id, name=None):
        query = sa.select(Credential).where(
            Credential.user_id == user_id).order_by(Credential.name)
        if name is not None:
            query = query.where(Credential.name == name)
        with self.db.reader() as session:
            found = list(session.scalars(query))
            session.expunge_all()
        return found

    def delete(self, user_id, credential_id):
        with self.db.writer() as session:
            deleted = session.execute(sa.delete(Credential).where(
                Credential.id == credential_id,
                Credential.user_id == user_id)).rowcount
        if not deleted:
            raise identity_exception.AppCredentialNotFound(
                credential_id=credential_id)

    @staticmethod
    def check_secret(credential, secret):
        return passwords.verify_password(secret, credential.secret_hash)
