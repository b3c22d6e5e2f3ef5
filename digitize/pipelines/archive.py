"""The archive a command works on: settings, database and object store, opened lazily."""

from __future__ import annotations

import getpass
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from .. import db
from ..config import Settings
from ..errors import ConfigError, DatabaseError
from ..storage import ObjectStore, open_store

log = logging.getLogger(__name__)


def current_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Archive:
    """Database + object store for one command; nothing is opened until first used."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def engine(self) -> Engine:
        url = self.settings.effective_db_url
        try:
            engine = db.make_engine(url)
            db.ensure_schema(engine)
        except OperationalError as exc:
            raise DatabaseError(f"cannot open the database {_safe(url)}: {exc.orig}",
                                advice="check DIGITIZE_DB_URL and that the server is running") from exc
        except ModuleNotFoundError as exc:
            raise ConfigError(f"database driver missing for {_safe(url)}: {exc}",
                              advice="pip install 'digitize[postgres]'") from exc
        return engine

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return db.session_factory(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except SQLAlchemyError as exc:
                session.rollback()
                raise DatabaseError(f"database error: {exc}") from exc
            except BaseException:
                session.rollback()
                raise

    @cached_property
    def store(self) -> ObjectStore:
        try:
            return open_store(self.settings.effective_storage_url)
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()


def _safe(url: str) -> str:
    """A database URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':')[0]}:***@{host}"
    return url
