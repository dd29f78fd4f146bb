"""Compiled reads: one SQL statement that returns a query's JSON answer from the database.

The GraphQL layer turns a query document into a :class:`~app.compiled.plan.Selection` tree;
:mod:`app.compiled.sql` turns that tree into one statement (``json_build_object`` and
``json_agg`` on PostgreSQL, ``json_object`` and ``json_group_array`` on SQLite) with the same
tenant filters, orderings and value formats as the general path.
"""
