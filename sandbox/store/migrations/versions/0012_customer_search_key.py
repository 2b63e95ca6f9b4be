"""customers.search_name: accents aside, and the customer lists' order

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

search_name held the company name casefolded: a search for "construccion" missed "Construcción", and the
lists were ordered by the company name as stored (code points: "Zeta" before "acme"). It now holds the name
as model.search_key reads it (casefolded, one Unicode form, no accents on Latin or Greek letters,
"ł" as "l"), every existing name is read again, and the lists' index is on it.
"""

import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


_LATIN_PLAIN = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ı": "i", "ŀ": "l", "æ": "ae", "œ": "oe",
                              "þ": "th", "ð": "d"})


def _search_key(text):
    # model.search_key as of this revision (a migration keeps its own copy: the model's may change later)
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LATIN_PLAIN))
    kept, base = [], ""
    for ch in decomposed:
        if unicodedata.combining(ch):
            if base < "\u0400":
                continue
        else:
            base = ch
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept))


def _rewrite(key):
    connection = op.get_bind()
    customers = sa.table("customers", sa.column("id", sa.String), sa.column("company_name", sa.String),
                         sa.column("search_name", sa.String))
    rows = connection.execute(sa.select(customers.c.id, customers.c.company_name, customers.c.search_name)).all()
    changed = [{"key_id": row.id, "key_name": key(row.company_name)} for row in rows if key(row.company_name) != row.search_name]
    if changed:
        connection.execute(customers.update().where(customers.c.id == sa.bindparam("key_id"))
                           .values(search_name=sa.bindparam("key_name")), changed)


def upgrade():
    _rewrite(_search_key)
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index('ix_customers_workspace_company')
        batch_op.create_index('ix_customers_workspace_search', ['workspace_id', 'search_name'], unique=False)


def downgrade():
    _rewrite(str.casefold)
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index('ix_customers_workspace_search')
        batch_op.create_index('ix_customers_workspace_company', ['workspace_id', 'company_name'], unique=False)
