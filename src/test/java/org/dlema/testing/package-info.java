/**
 * Test fixtures shared by the test packages: small image files and datasets, and a tiny synthetic dataset with a
 * trained baseline run and D-LEMA ensemble made once per test JVM.
 */
package org.dlema.testing;
