"""Pydantic schemas: what the API accepts and returns.

Identifier rule: the `id` field of every response is the resource's public UUID (`public_id` in
the database), never the internal integer primary key.
"""
