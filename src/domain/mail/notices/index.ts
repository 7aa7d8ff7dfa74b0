import type { NoticeReader } from '../notice.ts';
import { readAmazonSesJson } from './amazon.ts';
import { readChinese } from './chinese.ts';
import { readExim } from './exim.ts';
import { readGeneric } from './generic.ts';
import { readGmail, readGoogleGroups, readGoogleWorkspace } from './google.ts';
import { readBiglobe, readEzweb, readKddi, readMfilter } from './japan.ts';
import { readDomino, readNotes } from './lotus.ts';
import { readExchange2003, readOffice365Text } from './microsoft.ts';
import {
  readApacheJames,
  readDeliveryErrorsList,
  readDeliveryFailedBlocks,
  readDragonFly,
  readFml,
  readGmxStyle,
  readIMail,
  readInterScan,
  readMailFoundry,
  readMailMarshal,
  readOpenSmtpd,
  readSmail,
  readSmtpServerRejected,
  readTechnicalDetails,
  readVerizon,
  readZoho,
} from './others.ts';
import { readPostfix } from './postfix.ts';
import { readQmail } from './qmail.ts';
import { readSendmail } from './sendmail.ts';

/**
 * Notice readers, most specific first: the first that recognises its format reads the notice. Each
 * checks for the fixed sentences of its own format, so a person's reply never matches one; the
 * generic reader comes last and only reads messages that look like notices.
 */
export const NOTICE_READERS: readonly NoticeReader[] = [
  readAmazonSesJson,
  readGoogleGroups,
  readGmail,
  readGoogleWorkspace,
  readExim,
  readGmxStyle,
  readQmail,
  readZoho,
  readPostfix,
  readSendmail,
  readDragonFly,
  readOpenSmtpd,
  readExchange2003,
  readOffice365Text,
  readDomino,
  readNotes,
  readEzweb,
  readKddi,
  readBiglobe,
  readMfilter,
  readIMail,
  readMailFoundry,
  readMailMarshal,
  readVerizon,
  readInterScan,
  readFml,
  readDeliveryErrorsList,
  readTechnicalDetails,
  readDeliveryFailedBlocks,
  readApacheJames,
  readSmtpServerRejected,
  readSmail,
  readChinese,
  readGeneric,
];
