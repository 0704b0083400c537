"""Thin routers: parse the request, call one domain function, answer."""
