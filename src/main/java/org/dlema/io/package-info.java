/**
 * File output that is never left half-written: atomic directories and atomically replaced JSON files. Every package
 * may use it; it depends on nothing of the project's.
 */
package org.dlema.io;
