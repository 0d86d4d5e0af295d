/**
 * File output that is never left half-written (atomic directories and atomically replaced JSON files), locks between
 * processes that share a folder, the error for a damaged file of the project's formats, and sequences made ahead on
 * background threads but taken in order ({@code LookAhead}: a trainer's batches, an evaluation's images), and logs of
 * jobs side by side kept apart line by line ({@code PrefixedLines}). Every package may use it; it depends on nothing
 * of the project's.
 */
package org.dlema.io;
