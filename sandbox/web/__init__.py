"""The web layers: REST API, identity, portal pages, admin-center pages and the control API."""
