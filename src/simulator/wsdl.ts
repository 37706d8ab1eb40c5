// WSDL served at `<path>?wsdl`, shaped like the real SEFAZ 4.00 ones: SOAP 1.2 binding only, input
// and output elements the outermost wrappers of the service's descriptor (nfeDadosMsg, nfeResultMsg),
// soapAction <namespace>/<method>.
import type { SoapService } from '../sefaz/services/descriptor';
import { escapeXml } from '../xml/parse';

export function buildWsdl(service: SoapService, location: string): string {
  const { operation, method, namespace: ns } = service;
  const input = service.request.wrapper[0];
  const output = service.reply.wrapper[0];
  return `<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"
  xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:tns="${ns}" targetNamespace="${ns}">
  <wsdl:types>
    <s:schema elementFormDefault="qualified" targetNamespace="${ns}">
      <s:element name="${input}"><s:complexType mixed="true"><s:sequence><s:any/></s:sequence></s:complexType></s:element>
      <s:element name="${output}"><s:complexType mixed="true"><s:sequence><s:any/></s:sequence></s:complexType></s:element>
    </s:schema>
  </wsdl:types>
  <wsdl:message name="${method}SoapIn"><wsdl:part name="${input}" element="tns:${input}"/></wsdl:message>
  <wsdl:message name="${method}SoapOut"><wsdl:part name="${method}Result" element="tns:${output}"/></wsdl:message>
  <wsdl:portType name="${operation}Soap12">
    <wsdl:operation name="${method}">
      <wsdl:input message="tns:${method}SoapIn"/>
      <wsdl:output message="tns:${method}SoapOut"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="${operation}Soap12" type="tns:${operation}Soap12">
    <soap12:binding transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="${method}">
      <soap12:operation soapAction="${ns}/${method}" style="document"/>
      <wsdl:input><soap12:body use="literal"/></wsdl:input>
      <wsdl:output><soap12:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="${operation}">
    <wsdl:port name="${operation}Soap12" binding="tns:${operation}Soap12">
      <soap12:address location="${escapeXml(location)}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
}
