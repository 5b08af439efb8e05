"""Tools for deck authors: build cards from the installed torch so they are right by construction."""
