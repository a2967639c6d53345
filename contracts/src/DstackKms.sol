// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {Ownable2StepUpgradeable} from "@openzeppelin/contracts-upgradeable/access/Ownable2StepUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ERC165Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/introspection/ERC165Upgradeable.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {IAppAuth} from "./IAppAuth.sol";
import {PolicyAudit} from "./PolicyAudit.sol";

/// @title DstackKms
/// @notice KMS-wide boot policy: which OS images, KMS measurements and devices are trusted,
///         which apps are registered, and a factory for DstackApp proxies.
/// @dev Lives behind an ERC1967 (UUPS) proxy. The storage layout is fixed by deployed proxies:
///      append new state only by shrinking __gap.
contract DstackKms is
    Initializable,
    Ownable2StepUpgradeable,
    UUPSUpgradeable,
    ERC165Upgradeable,
    IAppAuth,
    PolicyAudit
{
    /// @notice Public identity and attestation of the KMS.
    struct KmsInfo {
        bytes k256Pubkey;
        bytes caPubkey;
        bytes quote;
        bytes eventlog;
    }

    // Audit topics: PolicyChanged.policy is keccak256 of the policy's ASCII name.
    bytes32 private constant POLICY_KMS_INFO = keccak256("kms-info");
    bytes32 private constant POLICY_GATEWAY_APP_ID = keccak256("gateway-app-id");
    bytes32 private constant POLICY_REGISTERED_APP = keccak256("registered-app");
    bytes32 private constant POLICY_APP_IMPLEMENTATION = keccak256("app-implementation");
    bytes32 private constant POLICY_AGGREGATED_MR = keccak256("kms-aggregated-mr");
    bytes32 private constant POLICY_KMS_DEVICE = keccak256("kms-device");
    bytes32 private constant POLICY_OS_IMAGE = keccak256("os-image");
    bytes32 private constant POLICY_UPGRADE = keccak256("implementation-upgrade");

    KmsInfo public kmsInfo; // slots 0-3
    string public gatewayAppId; // slot 4
    mapping(address => bool) public registeredApps; // slot 5
    mapping(bytes32 => bool) public kmsAllowedAggregatedMrs; // slot 6
    mapping(bytes32 => bool) public kmsAllowedDeviceIds; // slot 7
    mapping(bytes32 => bool) public allowedOsImages; // slot 8
    address public appImplementation; // slot 9
    uint256[50] private __gap; // slots 10-59

    event KmsInfoSet(bytes k256Pubkey);
    event GatewayAppIdSet(string gatewayAppId);
    event AppRegistered(address appId);
    event AppImplementationSet(address implementation);
    event AppDeployedViaFactory(address indexed appId, address indexed deployer);
    event KmsAggregatedMrAdded(bytes32 mrAggregated);
    event KmsAggregatedMrRemoved(bytes32 mrAggregated);
    event KmsDeviceAdded(bytes32 deviceId);
    event KmsDeviceRemoved(bytes32 deviceId);
    event OsImageHashAdded(bytes32 osImageHash);
    event OsImageHashRemoved(bytes32 osImageHash);

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the owner and, when non-zero, the DstackApp implementation the factory uses.
    function initialize(address initialOwner, address _appImplementation) public initializer {
        __Ownable_init(initialOwner);
        if (_appImplementation != address(0)) _setAppImplementation(_appImplementation);
    }

    function setKmsInfo(KmsInfo calldata info) external onlyOwner {
        kmsInfo.k256Pubkey = info.k256Pubkey;
        kmsInfo.caPubkey = info.caPubkey;
        kmsInfo.quote = info.quote;
        kmsInfo.eventlog = info.eventlog;
        emit KmsInfoSet(info.k256Pubkey);
        _policyChanged(POLICY_KMS_INFO, keccak256(info.k256Pubkey), true);
    }

    function setKmsQuote(bytes calldata quote) external onlyOwner {
        kmsInfo.quote = quote;
    }

    function setKmsEventlog(bytes calldata eventlog) external onlyOwner {
        kmsInfo.eventlog = eventlog;
    }

    function setGatewayAppId(string calldata appId) external onlyOwner {
        gatewayAppId = appId;
        emit GatewayAppIdSet(appId);
        _policyChanged(POLICY_GATEWAY_APP_ID, keccak256(bytes(appId)), true);
    }

    /// @notice Registers an app contract (anyone may; the app's own policy still decides).
    function registerApp(address appId) external {
        require(appId != address(0), "Invalid app ID");
        _registerApp(appId);
    }

    function setAppImplementation(address _implementation) external onlyOwner {
        require(_implementation != address(0), "Invalid implementation address");
        _setAppImplementation(_implementation);
    }

    /// @notice Deploys a DstackApp proxy owned by `initialOwner` and registers it.
    function deployAndRegisterApp(
        address initialOwner,
        bool disableUpgrades,
        bool requireTcbUpToDate,
        bool allowAnyDevice,
        bytes32 initialDeviceId,
        bytes32 initialComposeHash
    ) public returns (address appId) {
        address impl = appImplementation;
        require(impl != address(0), "DstackApp implementation not set");
        require(initialOwner != address(0), "Invalid owner address");
        bytes memory init = abi.encodeWithSelector(
            0x9ed28193, // DstackApp.initialize(address,bool,bool,bool,bytes32,bytes32)
            initialOwner,
            disableUpgrades,
            requireTcbUpToDate,
            allowAnyDevice,
            initialDeviceId,
            initialComposeHash
        );
        appId = address(new ERC1967Proxy(impl, init));
        _registerApp(appId);
        emit AppDeployedViaFactory(appId, msg.sender);
    }

    /// @notice The same as the 6-argument form with requireTcbUpToDate = false.
    function deployAndRegisterApp(
        address initialOwner,
        bool disableUpgrades,
        bool allowAnyDevice,
        bytes32 initialDeviceId,
        bytes32 initialComposeHash
    ) external returns (address appId) {
        return deployAndRegisterApp(
            initialOwner, disableUpgrades, false, allowAnyDevice, initialDeviceId, initialComposeHash
        );
    }

    function addKmsAggregatedMr(bytes32 mrAggregated) external onlyOwner {
        kmsAllowedAggregatedMrs[mrAggregated] = true;
        emit KmsAggregatedMrAdded(mrAggregated);
        _policyChanged(POLICY_AGGREGATED_MR, mrAggregated, true);
    }

    function removeKmsAggregatedMr(bytes32 mrAggregated) external onlyOwner {
        kmsAllowedAggregatedMrs[mrAggregated] = false;
        emit KmsAggregatedMrRemoved(mrAggregated);
        _policyChanged(POLICY_AGGREGATED_MR, mrAggregated, false);
    }

    function addKmsDevice(bytes32 deviceId) external onlyOwner {
        kmsAllowedDeviceIds[deviceId] = true;
        emit KmsDeviceAdded(deviceId);
        _policyChanged(POLICY_KMS_DEVICE, deviceId, true);
    }

    function removeKmsDevice(bytes32 deviceId) external onlyOwner {
        kmsAllowedDeviceIds[deviceId] = false;
        emit KmsDeviceRemoved(deviceId);
        _policyChanged(POLICY_KMS_DEVICE, deviceId, false);
    }

    function addOsImageHash(bytes32 osImageHash) external onlyOwner {
        allowedOsImages[osImageHash] = true;
        emit OsImageHashAdded(osImageHash);
        _policyChanged(POLICY_OS_IMAGE, osImageHash, true);
    }

    function removeOsImageHash(bytes32 osImageHash) external onlyOwner {
        allowedOsImages[osImageHash] = false;
        emit OsImageHashRemoved(osImageHash);
        _policyChanged(POLICY_OS_IMAGE, osImageHash, false);
    }

    /// @notice Whether a KMS instance with these measurements may boot; first failing check wins.
    function isKmsAllowed(AppBootInfo calldata bootInfo) external view returns (bool isAllowed, string memory reason) {
        if (!_upToDate(bootInfo.tcbStatus)) return (false, "TCB status is not up to date");
        if (!allowedOsImages[bootInfo.osImageHash]) return (false, "OS image is not allowed");
        if (!kmsAllowedAggregatedMrs[bootInfo.mrAggregated]) return (false, "Aggregated MR not allowed");
        if (!kmsAllowedDeviceIds[bootInfo.deviceId]) return (false, "KMS is not allowed to boot on this device");
        return (true, "");
    }

    /// @notice KMS-level checks, then the app's own policy decides (its answer is returned as is).
    function isAppAllowed(AppBootInfo calldata bootInfo)
        external
        view
        override
        returns (bool isAllowed, string memory reason)
    {
        address appId = bootInfo.appId;
        if (!registeredApps[appId]) return (false, "App not registered");
        if (!allowedOsImages[bootInfo.osImageHash]) return (false, "OS image is not allowed");
        if (appId.code.length == 0) return (false, "App not deployed or invalid address");
        return IAppAuth(appId).isAppAllowed(bootInfo);
    }

    /// @dev IERC165 is named in the override list because IAppAuth extends it, as the deployed
    ///      interface does.
    function supportsInterface(bytes4 interfaceId)
        public
        view
        virtual
        override(ERC165Upgradeable, IERC165)
        returns (bool)
    {
        return interfaceId == 0x1e079198 /* IAppAuth */ || super.supportsInterface(interfaceId);
    }

    function _authorizeUpgrade(address newImplementation) internal override onlyOwner {
        _policyChanged(POLICY_UPGRADE, bytes32(uint256(uint160(newImplementation))), true);
    }

    function _registerApp(address appId) private {
        // registeredApps[appId] = true; emit AppRegistered(appId): by hand, saving the encoder and
        // the read-modify-write of a packed bool (the slot holds nothing else).
        bytes32 topic = AppRegistered.selector;
        assembly ("memory-safe") {
            mstore(0, appId)
            mstore(0x20, registeredApps.slot)
            sstore(keccak256(0, 0x40), 1)
            log1(0, 32, topic)
        }
        _policyChanged(POLICY_REGISTERED_APP, bytes32(uint256(uint160(appId))), true);
    }

    function _setAppImplementation(address impl) private {
        appImplementation = impl;
        emit AppImplementationSet(impl);
        _policyChanged(POLICY_APP_IMPLEMENTATION, bytes32(uint256(uint160(impl))), true);
    }

    /// @dev True when `status` is exactly "UpToDate".
    function _upToDate(string calldata status) private pure returns (bool) {
        return keccak256(bytes(status)) == keccak256("UpToDate");
    }
}
