/**
 * The {@code dlema} command line: git-style verbs, each a thin commons-cli front to the library (parse, validate,
 * call, print). Bad usage exits with 2 and bad data with 1, both with one line on stderr. May depend on everything.
 */
package org.dlema.cli;
