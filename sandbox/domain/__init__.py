"""The sandbox's rules and entities: standard library only, time passed in, errors typed.

Nothing here imports Flask, SQLAlchemy, marshmallow or Faker (tests/test_domain_purity.py checks).
"""
