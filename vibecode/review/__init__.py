"""`vibecode review`: the template's rules as checks that name the file and line."""
