"""Use cases, one function each, named after the Partner Center operation they serve.

Every function opens a unit of work, asks the domain, and commits: a function that returns has
written everything, and one that raises has written nothing.
"""

from .context import Actor, ServiceContext

__all__ = ["Actor", "ServiceContext"]
