/**
 * The timezone and currency a WhatsApp number's country settles, when it has one zone:
 * +91 is Asia/Kolkata and INR. Countries spread over several zones (+1, +7, +55, +61, +62…) settle
 * nothing: the seller is asked.
 */
/** Calling code → the country's one timezone and its currency. */
const COUNTRIES: Record<string, { zone: string; currency: string }> = {
  '91': { zone: 'Asia/Kolkata', currency: 'INR' },
  '971': { zone: 'Asia/Dubai', currency: 'AED' },
  '966': { zone: 'Asia/Riyadh', currency: 'SAR' },
  '974': { zone: 'Asia/Qatar', currency: 'QAR' },
  '965': { zone: 'Asia/Kuwait', currency: 'KWD' },
  '973': { zone: 'Asia/Bahrain', currency: 'BHD' },
  '968': { zone: 'Asia/Muscat', currency: 'OMR' },
  '65': { zone: 'Asia/Singapore', currency: 'SGD' },
  '60': { zone: 'Asia/Kuala_Lumpur', currency: 'MYR' },
  '66': { zone: 'Asia/Bangkok', currency: 'THB' },
  '63': { zone: 'Asia/Manila', currency: 'PHP' },
  '84': { zone: 'Asia/Ho_Chi_Minh', currency: 'VND' },
  '852': { zone: 'Asia/Hong_Kong', currency: 'HKD' },
  '86': { zone: 'Asia/Shanghai', currency: 'CNY' },
  '886': { zone: 'Asia/Taipei', currency: 'TWD' },
  '81': { zone: 'Asia/Tokyo', currency: 'JPY' },
  '82': { zone: 'Asia/Seoul', currency: 'KRW' },
  '880': { zone: 'Asia/Dhaka', currency: 'BDT' },
  '92': { zone: 'Asia/Karachi', currency: 'PKR' },
  '94': { zone: 'Asia/Colombo', currency: 'LKR' },
  '977': { zone: 'Asia/Kathmandu', currency: 'NPR' },
  '44': { zone: 'Europe/London', currency: 'GBP' },
  '353': { zone: 'Europe/Dublin', currency: 'EUR' },
  '49': { zone: 'Europe/Berlin', currency: 'EUR' },
  '33': { zone: 'Europe/Paris', currency: 'EUR' },
  '39': { zone: 'Europe/Rome', currency: 'EUR' },
  '31': { zone: 'Europe/Amsterdam', currency: 'EUR' },
  '32': { zone: 'Europe/Brussels', currency: 'EUR' },
  '41': { zone: 'Europe/Zurich', currency: 'CHF' },
  '43': { zone: 'Europe/Vienna', currency: 'EUR' },
  '46': { zone: 'Europe/Stockholm', currency: 'SEK' },
  '47': { zone: 'Europe/Oslo', currency: 'NOK' },
  '45': { zone: 'Europe/Copenhagen', currency: 'DKK' },
  '48': { zone: 'Europe/Warsaw', currency: 'PLN' },
  '90': { zone: 'Europe/Istanbul', currency: 'TRY' },
  '27': { zone: 'Africa/Johannesburg', currency: 'ZAR' },
  '234': { zone: 'Africa/Lagos', currency: 'NGN' },
  '254': { zone: 'Africa/Nairobi', currency: 'KES' },
  '20': { zone: 'Africa/Cairo', currency: 'EGP' },
  '64': { zone: 'Pacific/Auckland', currency: 'NZD' },
};

function countryOf(e164: string): { zone: string; currency: string } | undefined {
  const digits = e164.replace(/^\+/, '');
  for (const length of [3, 2, 1]) {
    const country = COUNTRIES[digits.slice(0, length)];
    if (country) return country;
  }
  return undefined;
}

/** `+919812345678` → Asia/Kolkata; undefined when the country has several zones or is unknown. */
export const timezoneOfNumber = (e164: string): string | undefined => countryOf(e164)?.zone;

/** `+919812345678` → INR: the currency a new seller on that number is answered in (undefined: USD). */
export const currencyOfNumber = (e164: string): string | undefined => countryOf(e164)?.currency;
