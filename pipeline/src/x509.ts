// @peculiar/x509 needs the Reflect metadata polyfill loaded before it.
import 'reflect-metadata';

export * as x509 from '@peculiar/x509';
