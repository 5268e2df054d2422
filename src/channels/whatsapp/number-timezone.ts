/**
 * The timezone a WhatsApp number's country settles, when it has one zone: +91 is
 * Asia/Kolkata. Countries spread over several zones (+1, +7, +55, +61, +62…) settle
 * nothing: the seller is asked.
 */
const ONE_ZONE: Record<string, string> = {
  '91': 'Asia/Kolkata',
  '971': 'Asia/Dubai',
  '966': 'Asia/Riyadh',
  '974': 'Asia/Qatar',
  '965': 'Asia/Kuwait',
  '973': 'Asia/Bahrain',
  '968': 'Asia/Muscat',
  '65': 'Asia/Singapore',
  '60': 'Asia/Kuala_Lumpur',
  '66': 'Asia/Bangkok',
  '63': 'Asia/Manila',
  '84': 'Asia/Ho_Chi_Minh',
  '852': 'Asia/Hong_Kong',
  '86': 'Asia/Shanghai',
  '886': 'Asia/Taipei',
  '81': 'Asia/Tokyo',
  '82': 'Asia/Seoul',
  '880': 'Asia/Dhaka',
  '92': 'Asia/Karachi',
  '94': 'Asia/Colombo',
  '977': 'Asia/Kathmandu',
  '44': 'Europe/London',
  '353': 'Europe/Dublin',
  '49': 'Europe/Berlin',
  '33': 'Europe/Paris',
  '39': 'Europe/Rome',
  '31': 'Europe/Amsterdam',
  '32': 'Europe/Brussels',
  '41': 'Europe/Zurich',
  '43': 'Europe/Vienna',
  '46': 'Europe/Stockholm',
  '47': 'Europe/Oslo',
  '45': 'Europe/Copenhagen',
  '48': 'Europe/Warsaw',
  '90': 'Europe/Istanbul',
  '27': 'Africa/Johannesburg',
  '234': 'Africa/Lagos',
  '254': 'Africa/Nairobi',
  '20': 'Africa/Cairo',
  '64': 'Pacific/Auckland',
};

/** `+919812345678` → Asia/Kolkata; undefined when the country has several zones or is unknown. */
export function timezoneOfNumber(e164: string): string | undefined {
  const digits = e164.replace(/^\+/, '');
  for (const length of [3, 2, 1]) {
    const zone = ONE_ZONE[digits.slice(0, length)];
    if (zone) return zone;
  }
  return undefined;
}
