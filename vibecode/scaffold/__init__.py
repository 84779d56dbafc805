"""`vibecode new feature`: the template's feature guide as one command."""
