import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Generated leads for the import benchmark: the same person `i` as a CSV line (as a CRM export writes
 * it, with quoted fields where a value holds a comma) and as the column values the store ends up with,
 * which the raw-insert baseline writes directly.
 */

export const CSV_HEADER = 'Email,First Name,Last Name,Company,Job Title,Country,Phone,Industry,Employees,Lead Owner,Notes';

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Katherine', 'Linus', 'Frances', 'Ken', 'Radia'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Johnson', 'Torvalds', 'Allen', 'Thompson', 'Perlman'];
const TITLES = ['VP Sales', 'Head of Marketing', 'CTO', 'Revenue Operations Manager', 'Founder & CEO', 'Procurement Lead', 'Director of IT'];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'CN', 'JP', 'BR', 'IN'];
const INDUSTRIES = ['Software', 'Manufacturing', 'Retail', 'Financial Services', 'Healthcare', 'Logistics'];
const FREEMAIL = ['gmail.com', 'outlook.com', 'qq.com'];
const COMPANIES = 5000;

export interface StoredLead {
  email: string;
  emailDomain: string;
  firstName: string;
  lastName: string;
  fullName: string;
  title: string;
  company: string;
  phone: string;
  country: string;
  industry: string;
  employees: number;
  owner: string;
  attributes: string;
}

function person(i: number) {
  const c = (i * 7919) % COMPANIES;
  const freemail = i % 10 === 0;
  const domain = freemail ? (FREEMAIL[i % FREEMAIL.length] as string) : `company${c}.example`;
  const first = FIRST[i % FIRST.length] as string;
  const last = LAST[(i * 5) % LAST.length] as string;
  return {
    email: `${first.toLowerCase()}.${last.toLowerCase()}.${i}@${domain}`,
    domain,
    first,
    last,
    company: c % 9 === 0 ? `Company ${c}, Inc.` : `Company ${c}`,
    title: TITLES[i % TITLES.length] as string,
    country: COUNTRIES[i % COUNTRIES.length] as string,
    phone: `+1 555 ${String(100 + (i % 900)).padStart(3, '0')} ${String(i % 10000).padStart(4, '0')}`,
    industry: INDUSTRIES[c % INDUSTRIES.length] as string,
    employees: 10 + ((c * 37) % 5000),
    owner: `sdr${i % 12}`,
    notes: i % 3 === 0 ? `met at booth ${i % 40}, wants a demo` : `list row ${i}`,
  };
}

export function csvLine(i: number): string {
  const p = person(i);
  const q = (v: string) => (v.includes(',') ? `"${v.replace(/"/g, '""')}"` : v);
  return [p.email, p.first, p.last, q(p.company), p.title, p.country, p.phone, p.industry, String(p.employees), p.owner, q(p.notes)].join(',');
}

export function storedLead(i: number): StoredLead {
  const p = person(i);
  return {
    email: p.email,
    emailDomain: p.domain,
    firstName: p.first,
    lastName: p.last,
    fullName: `${p.first} ${p.last}`,
    title: p.title,
    company: p.company,
    phone: p.phone,
    country: p.country,
    industry: p.industry,
    employees: p.employees,
    owner: p.owner,
    attributes: JSON.stringify({ Notes: p.notes }),
  };
}

/** Writes `rows` generated leads to `path`, streaming; returns the file's size in bytes. */
export async function writeCsv(path: string, rows: number): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(`${CSV_HEADER}\n`);
  for (let i = 0; i < rows; i += 1000) {
    const chunk: string[] = [];
    for (let k = i; k < Math.min(rows, i + 1000); k++) chunk.push(csvLine(k));
    await write(`${chunk.join('\n')}\n`);
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return bytes;
}
