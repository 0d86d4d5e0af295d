/**
 * STAPLE (Warfield, Zou and Wells 2004, the paper's [38]): the consensus of several annotations of one image by
 * expectation-maximisation over each annotator's sensitivity and specificity. Depends on {@code org.dlema.data}.
 */
package org.dlema.data.staple;
