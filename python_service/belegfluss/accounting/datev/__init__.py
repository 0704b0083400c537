"""DATEV-Format (EXTF): the Buchungsstapel and Debitoren/Kreditoren files, written as cp1252 streams."""
