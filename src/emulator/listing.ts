// The user's authenticator records as GET /mfa/authenticators lists them. One record can be
// several items: a phone is listed once per phone channel (`sms|dev_X`, `voice|dev_X`, the same
// device id, as Auth0's "Enroll and Challenge SMS and Voice Authenticators" page shows it).
import { KIND_TYPES, type FactorName, type RequirementType } from './factors.js';
import { emailName, phoneName } from './oob/recipients.js';
import type { Authenticator, OobChannel, PhoneAuthenticator, PhoneChannel } from './storeTypes.js';

/** One item of GET /mfa/authenticators, exactly as it goes on the wire. */
export interface ListedAuthenticator {
  id: string;
  authenticator_type: 'otp' | 'oob' | 'recovery-code';
  active: boolean;
  /** Auth0's guides name the channel `oob_channel`; its API reference and auth0-auth-js read `oob_channels`. */
  oob_channel?: OobChannel;
  oob_channels?: OobChannel[];
  name?: string;
  type: RequirementType;
}

export interface ListedRow {
  item: ListedAuthenticator;
  record: Authenticator;
}

const PHONE_CHANNELS: readonly PhoneChannel[] = ['sms', 'voice'];

export function listAuthenticators(records: readonly Authenticator[], factors: readonly FactorName[]): ListedRow[] {
  return records.flatMap((record): ListedRow[] => {
    const base = { active: record.active, type: KIND_TYPES[record.type] };
    switch (record.type) {
      case 'otp':
      case 'recovery-code':
        return [{ record, item: { id: record.id, authenticator_type: record.type, ...base } }];
      case 'phone':
        return listedPhoneChannels(record, factors).map((channel) => ({
          record,
          item: { id: `${channel}|${record.deviceId}`, authenticator_type: 'oob', active: record.active, ...oob(channel), name: phoneName(record.phoneNumber), type: base.type },
        }));
      case 'email':
        return [{ record, item: { id: record.id, authenticator_type: 'oob', active: record.active, ...oob('email'), name: emailName(record.email), type: base.type } }];
      case 'push':
        return [
          {
            record,
            item: {
              id: record.id,
              authenticator_type: 'oob',
              active: record.active,
              ...oob('auth0'),
              ...(record.deviceName === undefined ? {} : { name: record.deviceName }),
              type: base.type,
            },
          },
        ];
    }
  });
}

/** The channels a phone is listed (and can be challenged) under: the one it enrolled with, and any other the tenant offers. */
export function listedPhoneChannels(record: PhoneAuthenticator, factors: readonly FactorName[]): PhoneChannel[] {
  return PHONE_CHANNELS.filter((channel) => channel === record.enrolledChannel || factors.includes(channel));
}

function oob(channel: OobChannel): { oob_channel: OobChannel; oob_channels: OobChannel[] } {
  return { oob_channel: channel, oob_channels: [channel] };
}
