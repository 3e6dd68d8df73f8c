/**
 * Statistics shared by the server's analysis queries, the calibration engine and the charts: summaries,
 * correlations, a proportion's interval, distribution tails, grouping and histograms. Built on
 * simple-statistics; what it lacks (null for undefined results, Wilson intervals, Student's t, the
 * normal tail to full precision, grouping) is written here.
 */
export { Z95, erfc, normalUpper, chiSquare1Upper, chiSquareUpper, studentTwoSided } from './distributions';
export type { BoxStats } from './descriptive';
export { mean, sampleSd, rootMeanSquare, boxStats } from './descriptive';
export type { RankCorrelation } from './correlation';
export { pearson, spearman } from './correlation';
export type { Proportion } from './proportions';
export { wilsonInterval } from './proportions';
export type { HistogramBin } from './grouping';
export { quantileGroups, groupCount, histogram } from './grouping';
