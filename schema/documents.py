"""Parsed and validated GraphQL documents, cached per schema."""

from functools import lru_cache

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.schema.schema import validate_document

DOCUMENT_CACHE_SIZE = 512
"""Documents kept parsed, and their validation results kept, per schema."""


class DocumentCache:
    """The parsed and validated documents of one schema, each bounded LRU (``maxsize``).

    A document is parsed once (at most ``max_tokens`` tokens) and validated once with
    ``rules`` (graphql-core's specified rules and the query limits, built once per schema, so
    the key is the document alone). The REST door's saved documents are put here when the
    gateway starts (:meth:`prepare`), so its requests neither parse nor validate.
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        rules: tuple[type[ASTValidationRule], ...],
        max_tokens: int,
        maxsize: int,
    ) -> None:
        self._schema = schema
        self.rules = rules
        self._max_tokens = max_tokens
        self.parsed = lru_cache(maxsize=maxsize)(self._parse)
        self.validated = lru_cache(maxsize=maxsize)(self._validate)

    def _parse(self, query: str) -> DocumentNode:
        return parse(query, max_tokens=self._max_tokens)

    def _validate(self, document: DocumentNode) -> list[GraphQLError]:
        return validate_document(self._schema, document, self.rules)

    def prepare(self, query: str) -> list[GraphQLError]:
        """Parse and validate ``query`` now (raises ``GraphQLSyntaxError``); its validation
        errors, empty for a valid document."""
        return self.validated(self.parsed(query))
