"""Calls recepcao.Execute through a WSDL-generated python-zeep client, as a WSDL-proxy ERP would.

Usage: zeep_client.py <wsdl url> <EmpPK> <EmpCK> <Documento>; prints the reply as JSON.
"""
import json
import sys

import zeep
from zeep.helpers import serialize_object


def main() -> None:
    wsdl, emp_pk, emp_ck, documento = sys.argv[1:5]
    client = zeep.Client(wsdl)
    reply = client.service.Execute(
        Invoicyrecepcao={
            "Cabecalho": {"EmpPK": emp_pk, "EmpCK": emp_ck, "EmpCO": ""},
            "Informacoes": {"Texto": ""},
            "Dados": {"DadosItem": [{"Documento": documento, "Parametros": ""}]},
        }
    )
    print(json.dumps(serialize_object(reply), ensure_ascii=False))


if __name__ == "__main__":
    main()
