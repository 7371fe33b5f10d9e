// The 21 counties (län) and 290 municipalities (kommuner) with their SCB codes,
// copied from the product's shared reference data (counties.csv, municipalities.csv).
import type { County, Municipality } from '../schemas/reference';

/*
 * Written compactly, since every function bundles them: a county as `<code><name>|<short name>`,
 * a municipality as `<code><name>`, one county's municipalities to a line (a municipality's
 * county is the first two digits of its SCB code).
 */
const COUNTY_ROWS = '01Stockholms län|Stockholm;03Uppsala län|Uppsala;04Södermanlands län|Södermanland;05Östergötlands län|Östergötland;06Jönköpings län|Jönköping;07Kronobergs län|Kronoberg;08Kalmar län|Kalmar;09Gotlands län|Gotland;10Blekinge län|Blekinge;12Skåne län|Skåne;13Hallands län|Halland;14Västra Götalands län|Västra Götaland;17Värmlands län|Värmland;18Örebro län|Örebro;19Västmanlands län|Västmanland;20Dalarnas län|Dalarna;21Gävleborgs län|Gävleborg;22Västernorrlands län|Västernorrland;23Jämtlands län|Jämtland;24Västerbottens län|Västerbotten;25Norrbottens län|Norrbotten';

const MUNICIPALITY_ROWS = [
  '0114Upplands Väsby;0115Vallentuna;0117Österåker;0120Värmdö;0123Järfälla;0125Ekerö;0126Huddinge;0127Botkyrka;0128Salem;0136Haninge;0138Tyresö;0139Upplands-Bro;0140Nykvarn;0160Täby;0162Danderyd;0163Sollentuna;0180Stockholm;0181Södertälje;0182Nacka;0183Sundbyberg;0184Solna;0186Lidingö;0187Vaxholm;0188Norrtälje;0191Sigtuna;0192Nynäshamn',
  '0305Håbo;0319Älvkarleby;0330Knivsta;0331Heby;0360Tierp;0380Uppsala;0381Enköping;0382Östhammar',
  '0428Vingåker;0461Gnesta;0480Nyköping;0481Oxelösund;0482Flen;0483Katrineholm;0484Eskilstuna;0486Strängnäs;0488Trosa',
  '0509Ödeshög;0512Ydre;0513Kinda;0560Boxholm;0561Åtvidaberg;0562Finspång;0563Valdemarsvik;0580Linköping;0581Norrköping;0582Söderköping;0583Motala;0584Vadstena;0586Mjölby',
  '0604Aneby;0617Gnosjö;0642Mullsjö;0643Habo;0662Gislaved;0665Vaggeryd;0680Jönköping;0682Nässjö;0683Värnamo;0684Sävsjö;0685Vetlanda;0686Eksjö;0687Tranås',
  '0760Uppvidinge;0761Lessebo;0763Tingsryd;0764Alvesta;0765Älmhult;0767Markaryd;0780Växjö;0781Ljungby',
  '0821Högsby;0834Torsås;0840Mörbylånga;0860Hultsfred;0861Mönsterås;0862Emmaboda;0880Kalmar;0881Nybro;0882Oskarshamn;0883Västervik;0884Vimmerby;0885Borgholm',
  '0980Gotland',
  '1060Olofström;1080Karlskrona;1081Ronneby;1082Karlshamn;1083Sölvesborg',
  '1214Svalöv;1230Staffanstorp;1231Burlöv;1233Vellinge;1256Östra Göinge;1257Örkelljunga;1260Bjuv;1261Kävlinge;1262Lomma;1263Svedala;1264Skurup;1265Sjöbo;1266Hörby;1267Höör;1270Tomelilla;1272Bromölla;1273Osby;1275Perstorp;1276Klippan;1277Åstorp;1278Båstad;1280Malmö;1281Lund;1282Landskrona;1283Helsingborg;1284Höganäs;1285Eslöv;1286Ystad;1287Trelleborg;1290Kristianstad;1291Simrishamn;1292Ängelholm;1293Hässleholm',
  '1315Hylte;1380Halmstad;1381Laholm;1382Falkenberg;1383Varberg;1384Kungsbacka',
  '1401Härryda;1402Partille;1407Öckerö;1415Stenungsund;1419Tjörn;1421Orust;1427Sotenäs;1430Munkedal;1435Tanum;1438Dals-Ed;1439Färgelanda;1440Ale;1441Lerum;1442Vårgårda;1443Bollebygd;1444Grästorp;1445Essunga;1446Karlsborg;1447Gullspång;1452Tranemo;1460Bengtsfors;1461Mellerud;1462Lilla Edet;1463Mark;1465Svenljunga;1466Herrljunga;1470Vara;1471Götene;1472Tibro;1473Töreboda;1480Göteborg;1481Mölndal;1482Kungälv;1484Lysekil;1485Uddevalla;1486Strömstad;1487Vänersborg;1488Trollhättan;1489Alingsås;1490Borås;1491Ulricehamn;1492Åmål;1493Mariestad;1494Lidköping;1495Skara;1496Skövde;1497Hjo;1498Tidaholm;1499Falköping',
  '1715Kil;1730Eda;1737Torsby;1760Storfors;1761Hammarö;1762Munkfors;1763Forshaga;1764Grums;1765Årjäng;1766Sunne;1780Karlstad;1781Kristinehamn;1782Filipstad;1783Hagfors;1784Arvika;1785Säffle',
  '1814Lekeberg;1860Laxå;1861Hallsberg;1862Degerfors;1863Hällefors;1864Ljusnarsberg;1880Örebro;1881Kumla;1882Askersund;1883Karlskoga;1884Nora;1885Lindesberg',
  '1904Skinnskatteberg;1907Surahammar;1960Kungsör;1961Hallstahammar;1962Norberg;1980Västerås;1981Sala;1982Fagersta;1983Köping;1984Arboga',
  '2021Vansbro;2023Malung-Sälen;2026Gagnef;2029Leksand;2031Rättvik;2034Orsa;2039Älvdalen;2061Smedjebacken;2062Mora;2080Falun;2081Borlänge;2082Säter;2083Hedemora;2084Avesta;2085Ludvika',
  '2101Ockelbo;2104Hofors;2121Ovanåker;2132Nordanstig;2161Ljusdal;2180Gävle;2181Sandviken;2182Söderhamn;2183Bollnäs;2184Hudiksvall',
  '2260Ånge;2262Timrå;2280Härnösand;2281Sundsvall;2282Kramfors;2283Sollefteå;2284Örnsköldsvik',
  '2303Ragunda;2305Bräcke;2309Krokom;2313Strömsund;2321Åre;2326Berg;2361Härjedalen;2380Östersund',
  '2401Nordmaling;2403Bjurholm;2404Vindeln;2409Robertsfors;2417Norsjö;2418Malå;2421Storuman;2422Sorsele;2425Dorotea;2460Vännäs;2462Vilhelmina;2463Åsele;2480Umeå;2481Lycksele;2482Skellefteå',
  '2505Arvidsjaur;2506Arjeplog;2510Jokkmokk;2513Överkalix;2514Kalix;2518Övertorneå;2521Pajala;2523Gällivare;2560Älvsbyn;2580Luleå;2581Piteå;2582Boden;2583Haparanda;2584Kiruna',
];

export const COUNTIES: readonly County[] = COUNTY_ROWS.split(';').map((row) => {
  const [name = '', shortName = ''] = row.slice(2).split('|');
  return { code: row.slice(0, 2), name, shortName };
});

export const MUNICIPALITIES: readonly Municipality[] = MUNICIPALITY_ROWS.flatMap((line) =>
  line.split(';').map((row) => ({ code: row.slice(0, 4), name: row.slice(4), county: row.slice(0, 2) })),
);
