/** Municipality codes the tests name: Uppsala län (03) with all eight, and a few in Stockholms län (01). */
export const HABO = '0305';
export const ALVKARLEBY = '0319';
export const KNIVSTA = '0330';
export const HEBY = '0331';
export const TIERP = '0360';
export const UPPSALA = '0380';
export const ENKOPING = '0381';
export const OSTHAMMAR = '0382';
export const STOCKHOLM = '0180';
export const SODERTALJE = '0181';
export const SUNDBYBERG = '0183';
export const SOLNA = '0184';
