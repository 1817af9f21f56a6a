// Renders an `otpauth://` URI as an SVG QR code with the `qrcode` library. The SVG comes from
// the library, not from user input, and is sized by CSS.
import QRCode from 'qrcode';

export async function qrSvg(uri: string, label: string): Promise<HTMLElement> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  const figure = document.createElement('div');
  figure.className = 'qr';
  figure.setAttribute('role', 'img');
  figure.setAttribute('aria-label', label);
  figure.setAttribute('data-testid', 'qr');
  figure.innerHTML = svg;
  return figure;
}
