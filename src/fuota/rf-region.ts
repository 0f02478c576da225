/**
 * The LoRaWAN RF regions IoT Wireless supports for FUOTA tasks (the model's `SupportedRfRegion`).
 * Use the region your devices or multicast groups were provisioned with.
 */
export enum RfRegion {
  /** Europe 863-870 MHz. */
  EU868 = 'EU868',
  /** United States 902-928 MHz. */
  US915 = 'US915',
  /** Australia 915-928 MHz. */
  AU915 = 'AU915',
  /** Asia 923 MHz, group 1. */
  AS923_1 = 'AS923-1',
  /** Asia 923 MHz, group 2. */
  AS923_2 = 'AS923-2',
  /** Asia 923 MHz, group 3. */
  AS923_3 = 'AS923-3',
  /** Asia 923 MHz, group 4. */
  AS923_4 = 'AS923-4',
  /** Europe 433 MHz. */
  EU433 = 'EU433',
  /** China 470-510 MHz. */
  CN470 = 'CN470',
  /** China 779-787 MHz. */
  CN779 = 'CN779',
  /** Russia 864-870 MHz. */
  RU864 = 'RU864',
  /** Korea 920-923 MHz. */
  KR920 = 'KR920',
  /** India 865-867 MHz. */
  IN865 = 'IN865',
}
