// Valid fiscal identities per UF for fixtures: an IE whose check digits pass that UF's algorithm
// (published examples and real registrations) and a municipality of the UF (the capital where the
// tests name one). SEFAZ's rules, and so the gateway and the simulator, reject made-up ones.
export const UF_FIXTURES: Readonly<Record<string, { ie: string; cMun: string }>> = {
  AC: { ie: '0100482300112', cMun: '1200013' },
  AL: { ie: '240000048', cMun: '2700102' },
  AM: { ie: '041458710', cMun: '1302603' },
  AP: { ie: '030123459', cMun: '1600055' },
  BA: { ie: '12345663', cMun: '2927408' },
  CE: { ie: '060000015', cMun: '2300101' },
  DF: { ie: '0740132100103', cMun: '5300108' },
  ES: { ie: '082560676', cMun: '3200102' },
  GO: { ie: '103010068', cMun: '5208707' },
  MA: { ie: '120000385', cMun: '2100055' },
  MG: { ie: '0629566160029', cMun: '3106200' },
  MS: { ie: '282757961', cMun: '5002704' },
  MT: { ie: '131837800', cMun: '5103403' },
  PA: { ie: '152071865', cMun: '1500107' },
  PB: { ie: '060000015', cMun: '2500106' },
  PE: { ie: '019231024', cMun: '2611606' },
  PI: { ie: '012345679', cMun: '2200053' },
  PR: { ie: '1234567850', cMun: '4106902' },
  RJ: { ie: '78527323', cMun: '3304557' },
  RN: { ie: '200400401', cMun: '2400109' },
  RO: { ie: '101625213', cMun: '1100015' },
  RR: { ie: '240066281', cMun: '1400027' },
  RS: { ie: '0240440013', cMun: '4314902' },
  SC: { ie: '255422385', cMun: '4200051' },
  SE: { ie: '271234563', cMun: '2800100' },
  SP: { ie: '110042490114', cMun: '3550308' },
  TO: { ie: '29010227836', cMun: '1700251' },
};

export function validIe(uf: string): string {
  const f = UF_FIXTURES[uf];
  if (!f) throw new Error(`no fixture IE for UF ${uf}`);
  return f.ie;
}

export function capitalCMun(uf: string): string {
  const f = UF_FIXTURES[uf];
  if (!f) throw new Error(`no fixture municipality for UF ${uf}`);
  return f.cMun;
}
