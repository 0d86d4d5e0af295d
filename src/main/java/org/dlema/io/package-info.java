/**
 * File output that is never left half-written (atomic directories and atomically replaced JSON files), locks between
 * processes that share a folder, and the error for a damaged file of the project's formats. Every package may use
 * it; it depends on nothing of the project's.
 */
package org.dlema.io;
