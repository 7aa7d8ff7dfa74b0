/**
 * Where a country's people mostly are, in IANA zones: the zone Baton assumes for a lead that gave a
 * country but no time zone. Multi-zone countries get the zone of the largest share of their
 * population or business (the US east coast, Moscow, Sydney, Sao Paulo); a guess, not a fact about
 * the lead, so a lead's own `time_zone` always wins.
 *
 * Each row: ISO 3166 alpha-2, alpha-3, main zone, then the names people type into a CRM (lower case,
 * without accents or dots; see `normaliseCountryName`).
 */
const COUNTRIES: readonly (readonly [alpha2: string, alpha3: string, zone: string, ...names: string[]])[] = [
  // North and South America
  ['US', 'USA', 'America/New_York', 'united states', 'united states of america', 'america', 'estados unidos', '美国'],
  ['CA', 'CAN', 'America/Toronto', 'canada'],
  ['MX', 'MEX', 'America/Mexico_City', 'mexico'],
  ['BR', 'BRA', 'America/Sao_Paulo', 'brazil', 'brasil'],
  ['AR', 'ARG', 'America/Argentina/Buenos_Aires', 'argentina'],
  ['CL', 'CHL', 'America/Santiago', 'chile'],
  ['CO', 'COL', 'America/Bogota', 'colombia'],
  ['PE', 'PER', 'America/Lima', 'peru'],
  ['VE', 'VEN', 'America/Caracas', 'venezuela'],
  ['EC', 'ECU', 'America/Guayaquil', 'ecuador'],
  ['UY', 'URY', 'America/Montevideo', 'uruguay'],
  ['PY', 'PRY', 'America/Asuncion', 'paraguay'],
  ['BO', 'BOL', 'America/La_Paz', 'bolivia'],
  ['CR', 'CRI', 'America/Costa_Rica', 'costa rica'],
  ['PA', 'PAN', 'America/Panama', 'panama'],
  ['GT', 'GTM', 'America/Guatemala', 'guatemala'],
  ['DO', 'DOM', 'America/Santo_Domingo', 'dominican republic'],
  ['PR', 'PRI', 'America/Puerto_Rico', 'puerto rico'],
  ['JM', 'JAM', 'America/Jamaica', 'jamaica'],
  ['CU', 'CUB', 'America/Havana', 'cuba'],
  // Europe
  ['GB', 'GBR', 'Europe/London', 'united kingdom', 'uk', 'great britain', 'britain', 'england', 'scotland', 'wales', 'northern ireland', '英国'],
  ['IE', 'IRL', 'Europe/Dublin', 'ireland', 'republic of ireland'],
  ['FR', 'FRA', 'Europe/Paris', 'france'],
  ['DE', 'DEU', 'Europe/Berlin', 'germany', 'deutschland', '德国'],
  ['NL', 'NLD', 'Europe/Amsterdam', 'netherlands', 'the netherlands', 'holland', 'nederland'],
  ['BE', 'BEL', 'Europe/Brussels', 'belgium', 'belgique', 'belgie'],
  ['LU', 'LUX', 'Europe/Luxembourg', 'luxembourg'],
  ['CH', 'CHE', 'Europe/Zurich', 'switzerland', 'schweiz', 'suisse'],
  ['AT', 'AUT', 'Europe/Vienna', 'austria', 'osterreich'],
  ['IT', 'ITA', 'Europe/Rome', 'italy', 'italia'],
  ['ES', 'ESP', 'Europe/Madrid', 'spain', 'espana'],
  ['PT', 'PRT', 'Europe/Lisbon', 'portugal'],
  ['DK', 'DNK', 'Europe/Copenhagen', 'denmark', 'danmark'],
  ['SE', 'SWE', 'Europe/Stockholm', 'sweden', 'sverige'],
  ['NO', 'NOR', 'Europe/Oslo', 'norway', 'norge'],
  ['FI', 'FIN', 'Europe/Helsinki', 'finland', 'suomi'],
  ['IS', 'ISL', 'Atlantic/Reykjavik', 'iceland'],
  ['PL', 'POL', 'Europe/Warsaw', 'poland', 'polska'],
  ['CZ', 'CZE', 'Europe/Prague', 'czechia', 'czech republic'],
  ['SK', 'SVK', 'Europe/Bratislava', 'slovakia'],
  ['HU', 'HUN', 'Europe/Budapest', 'hungary'],
  ['RO', 'ROU', 'Europe/Bucharest', 'romania'],
  ['BG', 'BGR', 'Europe/Sofia', 'bulgaria'],
  ['GR', 'GRC', 'Europe/Athens', 'greece'],
  ['HR', 'HRV', 'Europe/Zagreb', 'croatia'],
  ['SI', 'SVN', 'Europe/Ljubljana', 'slovenia'],
  ['RS', 'SRB', 'Europe/Belgrade', 'serbia'],
  ['UA', 'UKR', 'Europe/Kyiv', 'ukraine'],
  ['BY', 'BLR', 'Europe/Minsk', 'belarus'],
  ['RU', 'RUS', 'Europe/Moscow', 'russia', 'russian federation'],
  ['TR', 'TUR', 'Europe/Istanbul', 'turkey', 'turkiye'],
  ['EE', 'EST', 'Europe/Tallinn', 'estonia'],
  ['LV', 'LVA', 'Europe/Riga', 'latvia'],
  ['LT', 'LTU', 'Europe/Vilnius', 'lithuania'],
  ['CY', 'CYP', 'Asia/Nicosia', 'cyprus'],
  ['MT', 'MLT', 'Europe/Malta', 'malta'],
  // Middle East and Africa
  ['IL', 'ISR', 'Asia/Jerusalem', 'israel'],
  ['AE', 'ARE', 'Asia/Dubai', 'united arab emirates', 'uae', 'emirates'],
  ['SA', 'SAU', 'Asia/Riyadh', 'saudi arabia', 'ksa'],
  ['QA', 'QAT', 'Asia/Qatar', 'qatar'],
  ['KW', 'KWT', 'Asia/Kuwait', 'kuwait'],
  ['BH', 'BHR', 'Asia/Bahrain', 'bahrain'],
  ['OM', 'OMN', 'Asia/Muscat', 'oman'],
  ['JO', 'JOR', 'Asia/Amman', 'jordan'],
  ['LB', 'LBN', 'Asia/Beirut', 'lebanon'],
  ['IR', 'IRN', 'Asia/Tehran', 'iran'],
  ['IQ', 'IRQ', 'Asia/Baghdad', 'iraq'],
  ['EG', 'EGY', 'Africa/Cairo', 'egypt'],
  ['MA', 'MAR', 'Africa/Casablanca', 'morocco'],
  ['DZ', 'DZA', 'Africa/Algiers', 'algeria'],
  ['TN', 'TUN', 'Africa/Tunis', 'tunisia'],
  ['NG', 'NGA', 'Africa/Lagos', 'nigeria'],
  ['GH', 'GHA', 'Africa/Accra', 'ghana'],
  ['SN', 'SEN', 'Africa/Dakar', 'senegal'],
  ['CI', 'CIV', 'Africa/Abidjan', 'ivory coast', "cote d'ivoire", 'cote divoire'],
  ['KE', 'KEN', 'Africa/Nairobi', 'kenya'],
  ['ET', 'ETH', 'Africa/Addis_Ababa', 'ethiopia'],
  ['TZ', 'TZA', 'Africa/Dar_es_Salaam', 'tanzania'],
  ['UG', 'UGA', 'Africa/Kampala', 'uganda'],
  ['CD', 'COD', 'Africa/Kinshasa', 'democratic republic of the congo', 'dr congo', 'drc'],
  ['ZA', 'ZAF', 'Africa/Johannesburg', 'south africa'],
  // Asia and the Pacific
  ['CN', 'CHN', 'Asia/Shanghai', 'china', "people's republic of china", 'prc', 'mainland china', '中国', '中国大陆'],
  ['HK', 'HKG', 'Asia/Hong_Kong', 'hong kong', '香港'],
  ['MO', 'MAC', 'Asia/Macau', 'macau', 'macao'],
  ['TW', 'TWN', 'Asia/Taipei', 'taiwan', '台湾'],
  ['JP', 'JPN', 'Asia/Tokyo', 'japan', '日本'],
  ['KR', 'KOR', 'Asia/Seoul', 'south korea', 'korea', 'republic of korea'],
  ['IN', 'IND', 'Asia/Kolkata', 'india'],
  ['PK', 'PAK', 'Asia/Karachi', 'pakistan'],
  ['BD', 'BGD', 'Asia/Dhaka', 'bangladesh'],
  ['LK', 'LKA', 'Asia/Colombo', 'sri lanka'],
  ['NP', 'NPL', 'Asia/Kathmandu', 'nepal'],
  ['SG', 'SGP', 'Asia/Singapore', 'singapore', '新加坡'],
  ['MY', 'MYS', 'Asia/Kuala_Lumpur', 'malaysia'],
  ['TH', 'THA', 'Asia/Bangkok', 'thailand'],
  ['VN', 'VNM', 'Asia/Ho_Chi_Minh', 'vietnam', 'viet nam'],
  ['PH', 'PHL', 'Asia/Manila', 'philippines', 'the philippines'],
  ['ID', 'IDN', 'Asia/Jakarta', 'indonesia'],
  ['KZ', 'KAZ', 'Asia/Almaty', 'kazakhstan'],
  ['UZ', 'UZB', 'Asia/Tashkent', 'uzbekistan'],
  ['AU', 'AUS', 'Australia/Sydney', 'australia'],
  ['NZ', 'NZL', 'Pacific/Auckland', 'new zealand', 'aotearoa'],
];

/** Main IANA zone by ISO 3166 alpha-2 code (upper case). */
export const COUNTRY_ZONES: ReadonlyMap<string, string> = new Map(COUNTRIES.map(([code, , zone]) => [code, zone]));

/** Alpha-3 codes and common names (normalised) to alpha-2. */
const ALIASES: ReadonlyMap<string, string> = new Map(
  COUNTRIES.flatMap(([code, alpha3, , ...names]) => [[alpha3.toLowerCase(), code] as const, ...names.map((n) => [normaliseCountryName(n), code] as const)]),
);

/** Lower case, accents and dots dropped, "&" read as "and", spaces collapsed: "  Côte d’Ivoire" -> "cote d'ivoire". */
export function normaliseCountryName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’`´]/g, "'")
    .replace(/\./g, '')
    .replace(/&/g, ' and ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The alpha-2 code for a country as written in a lead record, from this table only: "us", "USA",
 * "United States", "U.K." and "Deutschland" all resolve; null when the table does not know it.
 * Any other two letters are returned upper-cased as they are (they may still be a valid code).
 */
export function countryCodeFromTable(input: string): string | null {
  // The common case, a code as the CRM stores it, without the cost of normalising.
  if (/^[A-Za-z]{2}$/.test(input)) return ALIASES.get(input.toLowerCase()) ?? input.toUpperCase();
  const key = normaliseCountryName(input);
  if (!key) return null;
  const alias = ALIASES.get(key);
  if (alias) return alias;
  return /^[a-z]{2}$/.test(key) ? key.toUpperCase() : null;
}
