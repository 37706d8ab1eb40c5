// One minified element with escaped text: the event writers' only XML primitive.
import { escapeText } from '../../../xml/parse';

export function el(name: string, value: string | number): string {
  return `<${name}>${escapeText(String(value))}</${name}>`;
}

/** The element, or nothing when the value is absent. */
export function opt(name: string, value: string | number | undefined): string {
  return value === undefined ? '' : el(name, value);
}
