"""Activities: scheduled work of an organisation, its states, links, assignees and tags."""
